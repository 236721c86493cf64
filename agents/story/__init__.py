"""The story stage: a story's articles → its versions (pure). ``state`` folds articles into a ``StoryState`` and
builds each ``StoryUpdate``; ``merge`` merges the events and entities several sources report and finds their
conflicts; ``settings``; ``agent`` is the Faust agent."""
