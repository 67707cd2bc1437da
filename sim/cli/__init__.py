"""The `circsim` command, one module per group of subcommands; ``common`` holds what they
share and ``main`` the parser and the one place errors become exit statuses."""
