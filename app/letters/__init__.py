"""Letters: composing the appeal and the one-tap links that send it."""
