"""Each verb end to end, without front-end code: translate lines (`translate`, `partial`), documents and
folders (`documents`, `folder`, `report`), evaluate, bench, doctor. Front-ends build a job and word what
comes back."""
