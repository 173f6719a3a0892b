-- In a subdirectory: the loader does not descend into subdirectories.
return 'should not be loaded'
