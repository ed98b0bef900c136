"""Documents: one module per document kind, model → view-model (plain data,
ordered and numbered), and the list of formats it renders to."""
