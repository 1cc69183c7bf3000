"""The directory of Russia's missions and the policy that picks a recipient."""
