// Chinese names shown to people: collections, statuses, roles.

export const COLLECTIONS = [
  ["news", "报道"],
  ["events", "活动"],
  ["exhibits", "展品"],
  ["projects", "品牌项目"],
  ["volunteers", "志愿者"],
  ["pages", "单页"],
];

export const COLLECTION_NAMES = Object.fromEntries(COLLECTIONS);

export const STATUSES = [
  ["draft", "草稿"],
  ["review", "待审"],
  ["published", "已发布"],
];

export const STATUS_NAMES = Object.fromEntries(STATUSES);

export const ROLE_NAMES = { editor: "编辑", reviewer: "审核", admin: "管理员" };

export const HANDBOOK = "/handbook/";

/** Reviewers and admins publish, return and unpublish. */
export function isReviewer(user) {
  return user && (user.role === "reviewer" || user.role === "admin");
}
