"""Gmail: CSV attachments of report e-mails."""
