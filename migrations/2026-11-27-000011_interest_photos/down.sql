DROP TABLE interest_photos;
