# this is a namespace package
try:
    import pkg_resources  # type: ignore[import-not-found]

    pkg_resources.declare_namespace(__name__)
except ImportError:
    import pkgutil

    __path__ = pkgutil.extend_path(__path__, __name__)
