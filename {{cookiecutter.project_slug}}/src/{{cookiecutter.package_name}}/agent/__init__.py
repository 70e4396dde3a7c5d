"""A bounded, tool-using agent (LangChain `create_agent`) with persisted threads."""
