"""Sprout Social: messages (`POST /v1/{customer_id}/messages`), paged by cursor."""
