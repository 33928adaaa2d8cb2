"""geonews: find the places a war-news article talks about, what happened there, and map it."""
