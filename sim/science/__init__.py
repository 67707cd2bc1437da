"""The science beside the engine: the mean-field twin, Artzrouni's Ponzi model and the
validation page that checks the engine against closed forms."""
