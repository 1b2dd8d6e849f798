"""Generation on an OpenAI-compatible server (`translate --server URL`): prompts, checks, retries and
everything else stay on this machine; the server only continues prompts."""
