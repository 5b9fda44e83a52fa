"""Object storage: one interface (``base.ObjectStore``), a local-folder backend and an S3 backend."""
