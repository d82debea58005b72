printf "\n\n" | tiervm eval rules/apn-2019.tier -; printf "[]" | tiervm eval rules/apn-2019.tier; printf "[" | tiervm eval rules/apn-2019.tier
