"""Flask views of the casa plugin that render portal pages."""
