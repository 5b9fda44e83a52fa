"""S3 uploads: files people drop under a prefix of the landing bucket."""
