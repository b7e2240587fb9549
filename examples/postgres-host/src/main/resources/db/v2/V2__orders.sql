CREATE TABLE customer_order (id BIGSERIAL PRIMARY KEY, product_id BIGINT REFERENCES product(id), quantity INT NOT NULL);
