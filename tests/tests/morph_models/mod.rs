//! The polymorphic models the `polymorphic` and `factory_morph` tests share: posts and
//! videos that take comments, posts that take one image. Each test binary has its own
//! keyspace, so both can use the same table names.

use orm_core::TableMeta;
use orm_core::prelude::*;
use uuid::Uuid;

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "poly_posts")]
#[morph_many(Comment, name = "commentable")]
#[morph_one(Image, name = "imageable")]
pub struct Post {
    #[orm(partition_key)]
    pub id: Uuid,
    pub title: String,
}

#[derive(Model, Debug, Clone, PartialEq)]
#[orm(table = "poly_videos")]
#[morph_many(Comment, name = "commentable")]
pub struct Video {
    #[orm(partition_key)]
    pub id: Uuid,
    pub url: String,
}

/// A comment on anything: the owner's type and key are the partition key, so one
/// owner's comments are one partition.
#[derive(Model, Debug, Clone, PartialEq, Default)]
#[orm(table = "poly_comments")]
#[morph_to(name = "commentable", types(Post, Video), derive(Debug, PartialEq))]
pub struct Comment {
    #[orm(partition_key)]
    pub commentable_type: String,
    #[orm(partition_key)]
    pub commentable_id: Uuid,
    #[orm(clustering_key)]
    pub id: i64,
    pub body: String,
}

#[derive(Model, Debug, Clone, PartialEq, Default)]
#[orm(table = "poly_images")]
#[morph_to(name = "imageable", types(Post), derive(Debug, PartialEq))]
pub struct Image {
    #[orm(partition_key)]
    pub imageable_type: String,
    #[orm(partition_key)]
    pub imageable_id: Uuid,
    pub url: String,
}

/// The tables of the four models, to create before a test.
pub const TABLES: [&TableMeta; 4] = [Post::TABLE, Video::TABLE, Comment::TABLE, Image::TABLE];
