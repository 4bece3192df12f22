"""Market services: weekly regional prices, the price index, the hog–grain ratio and its
warnings, the supply outlook and price forecasts."""
