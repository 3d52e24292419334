"""The site's search: Pagefind's prebuilt, chunked index of incidents and hand-written pages."""
