"""Embedder backends: local ONNX model, OpenAI-compatible API, and the in-memory hashing fake."""
