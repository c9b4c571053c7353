"""Console pages of relief campaigns, split by use: campaigns and figures, stock, the
phone page where a site hands out, and hardship files."""
