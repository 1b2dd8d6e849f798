"""What every engine offers, whatever does the decoding (llama.cpp here, a server, a test's fake): requests
and their handles (`requests`), the interface front-ends hold (`protocol.EngineLike`) and the base class that
writes `request`, `generate` and `chat` once (`base.BaseEngine`)."""
