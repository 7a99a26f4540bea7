"""Settings package: ``base`` holds what every environment shares; ``dev``, ``test`` and
``production`` each start from it."""
