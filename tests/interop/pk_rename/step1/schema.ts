import { pgTable, text, unique } from "drizzle-orm/pg-core";

export const userTemp = pgTable("user_temp", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
});

export const serverSetting = pgTable("serverSetting", {
  settingKey: text("setting_key").notNull().primaryKey(),
  value: text("value").notNull(),
}, (t) => [unique("serverSetting_settingKey_unique").on(t.settingKey)]);
