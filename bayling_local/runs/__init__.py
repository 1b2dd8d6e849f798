"""Each verb end to end, without front-end code: what a translate run is asked and the model and memory it
opens (`setup`), lines of text (`translate`, `partial`), one document through the core and back
(`translate_document`, shared by `translate -i` and the server's file jobs), documents and folders
(`documents`, `folder`, `report`), evaluate, bench, doctor. Front-ends build a job and word what comes
back."""
