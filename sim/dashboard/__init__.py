"""The browser face of circsim: the workbench `circsim dashboard` serves (``app``, with the
plain functions it calls in ``forms``, ``workbench`` and ``charts``), and the Mesa face of the
engine (``model``) with its SolaraViz page (``page``)."""
