"""The review grid: a batch's results as thumbnails to mark accepted or rejected by keyboard,
and the dialogs that follow a review (re-run the rejected, deliver the accepted).

These are views, a proxy and dialogs only; what they ask for is carried out by
`ui.controllers.review`.
"""
