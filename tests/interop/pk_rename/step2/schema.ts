import { pgTable, text, unique } from "drizzle-orm/pg-core";

export const user = pgTable("user", {
  id: text("id").primaryKey(),
  email: text("email").notNull(),
});

export const serverSetting = pgTable("serverSetting", {
  settingKey: text("setting_key").notNull().primaryKey(),
  value: text("value").notNull(),
}, (t) => [unique("serverSetting_settingKey_unique").on(t.settingKey)]);
