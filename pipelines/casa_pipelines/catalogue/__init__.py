"""The CKAN catalogue entry of a published dataset (``sync``)."""
