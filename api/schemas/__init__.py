"""Request and response models: `XCreate` in, `XPublic` out."""
