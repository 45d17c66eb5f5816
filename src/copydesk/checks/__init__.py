"""Built-in checks, one module each (see :mod:`copydesk.registry`)."""
