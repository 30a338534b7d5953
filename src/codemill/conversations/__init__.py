"""Chat with assistants (POST /v1/assistants/{id}/model) and the conversations API."""
