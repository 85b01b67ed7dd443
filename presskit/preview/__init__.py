"""`presskit serve`: a live preview of the project's PDFs, rebuilt as its files change.

state keeps the project and each item (release or kit) and rebuilds what a request needs,
pages writes the HTML, server answers HTTP on this machine.
"""
