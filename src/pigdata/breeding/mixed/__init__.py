"""Mixed models for genetic evaluation: model files, sparse mixed-model equations, AI-REML
variance components and BLUP solutions with prediction error variances."""
