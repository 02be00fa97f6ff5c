mod fixture;
mod forgeries;
