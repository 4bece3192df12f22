"""Services: typed functions over the store that the API, the CLI and the web pages share."""
