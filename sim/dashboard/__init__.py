"""The Mesa face of the engine (``model``) and the browser page `circsim dashboard` serves
(``page``)."""
