"""Retrieval: the embeddings port and its backends, chunking, and hybrid (vector + full-text) search."""
