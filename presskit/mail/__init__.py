"""Delivery: media lists in, one message a journalist out, each journalist once.

medialist (with address_book) reads and checks the lists, message composes each recipient's
e-mail, ledger records who was sent what, smtp talks to the server, and send runs the whole.
"""
