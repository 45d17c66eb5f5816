"""Boilerplate: repeated text inside a document, template text and copied passages across the
corpus, and web chrome (comment forms, share widgets, bylines, navigation) in scraped pages."""
