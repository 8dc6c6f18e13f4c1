"""The sources: the bureau's tables (bns) and PDF documents (documents)."""
