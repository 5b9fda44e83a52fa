"""BambooHR: the employee directory or a custom report."""
