"""Where a dataset's file comes from when no steward hands it over: a
declared export from a package's data (``source.package`` in the dataset
definition), written as a file that then takes the ordinary pipeline path."""
