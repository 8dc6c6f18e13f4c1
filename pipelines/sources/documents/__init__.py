"""Figure extraction from PDF documents (analytical notes, bureau releases and bulletins).

Entry point: :func:`pipelines.sources.documents.extract.extract_figures`.
"""
