"""The knowledge base: file → loader → chunks → embeddings → vector store → retrieval."""
