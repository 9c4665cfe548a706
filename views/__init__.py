"""Declarative views: configuration only (columns, labels, filters, titles); rules live in app/services."""
