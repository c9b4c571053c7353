"""Writes for online quiz campaigns, one module per use case (STYLE.md habit 7)."""
