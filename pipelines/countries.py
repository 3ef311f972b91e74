"""Placeholder: the country dimension (TIC / MOF / FRED labels -> ISO 3166) is being written."""
