"""What the service does, one module per feature: accounts and tokens, credits, sessions,
uploads and imports, image generation, signed links. Called by ``api``; knows no HTTP.
"""
