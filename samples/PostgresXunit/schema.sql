CREATE TABLE todos (
    id    serial PRIMARY KEY,
    title text    NOT NULL CHECK (title <> ''),
    done  boolean NOT NULL DEFAULT false
);
