"""Files attached in chats: the /v1/files API, its type checks, and the file-store port."""
